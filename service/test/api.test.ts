import { describeReleaseLedgerContract } from "./contract/release-ledger";
import { injectedInstance } from "./support/app";

// The acceptance contract through Fastify's inject: the app exactly as server.ts listens with it.
describeReleaseLedgerContract({ start: injectedInstance });
