import type { Io } from "../src/io";

/** An Io that records what devctl writes and answers prompts from a script. */
export interface RecordingIo extends Io {
  readonly stdout: string[];
  readonly stderr: string[];
  readonly questions: string[];
}

export function recordingIo(options: { interactive?: boolean; answers?: string[]; env?: Record<string, string> } = {}): RecordingIo {
  const answers = [...(options.answers ?? [])];
  const io: RecordingIo = {
    stdout: [],
    stderr: [],
    questions: [],
    out: (text) => io.stdout.push(text),
    err: (text) => io.stderr.push(text),
    interactive: options.interactive ?? false,
    ask: (question) => {
      io.questions.push(question);
      return Promise.resolve(answers.shift() ?? "");
    },
    env: options.env ?? {},
  };
  return io;
}
