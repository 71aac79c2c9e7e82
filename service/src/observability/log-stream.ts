import { writeSync } from "node:fs";

/**
 * Log lines gathered during one turn of the event loop and written to stdout in one system call.
 * Under load this turns dozens of small synchronous writes per tick into one; nothing is lost at exit
 * (the buffer is flushed synchronously on `exit`, which also runs after an uncaught exception).
 */
export class BatchedStdout {
  private lines: string[] = [];
  private scheduled = false;

  constructor(private readonly fd = 1) {}

  write(line: string): void {
    this.lines.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const chunk = this.lines.join("");
    this.lines = [];
    try {
      writeSync(this.fd, chunk);
    } catch {
      // stdout gone (EPIPE at shutdown): nothing sensible left to do with a log line.
    }
  }
}

/** One per process, so a single `exit` listener flushes it however many apps a process builds. */
export const stdoutLog = new BatchedStdout();
process.on("exit", () => stdoutLog.flush());
