import { isatty } from "node:tty";

/**
 * Where devctl writes. Results go to stdout (and with --json nothing else does); logs, progress, warnings
 * and errors go to stderr. Tests pass a recording Io.
 */
export interface Io {
  /** Results: human text, or exactly one JSON document with --json. */
  out(text: string): void;
  /** Progress, warnings and errors. */
  err(text: string): void;
  /** True when a person can answer a prompt (stdin and stderr are terminals, not CI). */
  readonly interactive: boolean;
  /** Asks a question on stderr and resolves to the answer; only called when interactive. */
  ask(question: string): Promise<string>;
  /** Environment variables devctl reads (PULUMI_BACKEND_URL, DEVCTL_LEDGER_URL, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): Io {
  // `devctl … | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    // isatty() rather than process.stdin.isTTY: touching process.stdin builds a stream for it (loading the
    // net or fs stream modules), which cost every command, --help included, several milliseconds.
    interactive: isatty(0) && isatty(2) && !process.env.CI,
    ask: async (question) => {
      const { createInterface } = await import("node:readline/promises");
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    env: process.env,
  };
}
