package main

import (
	"errors"
	"io"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// frame is a message passed through without being decoded: the proxy needs no knowledge of the methods it forwards,
// so calls the engine makes that this program has never heard of still reach the legacy host.
type frame struct{ payload mem.BufferSlice }

// passthroughCodec hands frames over as raw bytes and everything else (RunPlugin's typed messages) to the proto codec.
type passthroughCodec struct{}

func (passthroughCodec) Marshal(v any) (mem.BufferSlice, error) {
	if f, ok := v.(*frame); ok {
		return f.payload, nil
	}
	return encoding.GetCodecV2(proto.Name).Marshal(v)
}

func (passthroughCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if f, ok := v.(*frame); ok {
		// gRPC reuses the buffers once Unmarshal returns, so the frame keeps its own copy.
		f.payload = mem.BufferSlice{mem.SliceBuffer(data.Materialize())}
		return nil
	}
	return encoding.GetCodecV2(proto.Name).Unmarshal(data, v)
}

func (passthroughCodec) Name() string { return proto.Name }

// forwardTo returns a handler that relays a call of any shape (unary or streaming) to the same method on conn,
// headers, messages, trailers and status included.
func forwardTo(conn *grpc.ClientConn) grpc.StreamHandler {
	return func(_ any, in grpc.ServerStream) error {
		method, ok := grpc.MethodFromServerStream(in)
		if !ok {
			return status.Error(codes.Internal, "language host proxy: the call names no method")
		}
		ctx := in.Context()
		if md, ok := metadata.FromIncomingContext(ctx); ok {
			ctx = metadata.NewOutgoingContext(ctx, forwardableMetadata(md))
		}
		out, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, method,
			grpc.ForceCodecV2(passthroughCodec{}))
		if err != nil {
			return err
		}

		// Requests flow on in the background; replies are relayed here, and the call ends when the backend's do.
		requestsDone := make(chan error, 1)
		go func() { requestsDone <- relayRequests(in, out) }()

		headerSent := false
		for {
			reply := &frame{}
			err := out.RecvMsg(reply)
			if !headerSent {
				// The header is known once the first reply (or the final status) has arrived.
				if header, herr := out.Header(); herr == nil && len(header) > 0 {
					if err := in.SendHeader(header); err != nil {
						return err
					}
				}
				headerSent = true
			}
			if errors.Is(err, io.EOF) {
				in.SetTrailer(out.Trailer())
				return nil
			}
			if err != nil {
				in.SetTrailer(out.Trailer())
				return err // already a status from the backend
			}
			if err := in.SendMsg(reply); err != nil {
				return err
			}
			select {
			case err := <-requestsDone:
				if err != nil {
					return err
				}
			default:
			}
		}
	}
}

func relayRequests(in grpc.ServerStream, out grpc.ClientStream) error {
	for {
		request := &frame{}
		if err := in.RecvMsg(request); err != nil {
			if errors.Is(err, io.EOF) {
				return out.CloseSend()
			}
			return err
		}
		if err := out.SendMsg(request); err != nil {
			if errors.Is(err, io.EOF) {
				// The backend has ended the call; its status arrives through RecvMsg.
				return nil
			}
			return err
		}
	}
}

// forwardableMetadata drops the transport's own headers, which the outgoing connection sets for itself.
func forwardableMetadata(md metadata.MD) metadata.MD {
	out := metadata.MD{}
	for key, values := range md {
		if strings.HasPrefix(key, ":") || strings.HasPrefix(key, "grpc-") ||
			key == "content-type" || key == "user-agent" || key == "te" {
			continue
		}
		out[key] = values
	}
	return out
}
