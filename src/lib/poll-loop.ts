// A background polling loop: runs `run` now on start(), then every intervalMs after the previous
// pass ends. Passes never overlap — a wake() during a pass makes the next pass start as soon as it
// ends — and stop() cancels the timer and waits for the pass in flight.

export interface PollLoopOptions {
  /** One pass over the work; its result is ignored. */
  run: () => Promise<unknown>;
  /** Pause between the end of one pass and the start of the next. */
  intervalMs: number;
  /** Called with whatever a pass threw; the loop carries on. */
  onError: (err: unknown) => void;
}

export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly o: PollLoopOptions) {}

  /** Starts polling with a pass right away. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs a pass now instead of at the next poll (or right after the pass in flight); no-op when stopped. */
  wake(): void {
    if (!this.stopped) this.tick();
  }

  /** Stops polling and waits for the pass in flight to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
  }

  private tick(): void {
    if (this.running) {
      this.again = true; // one pass at a time; run once more when it ends
      return;
    }
    this.running = this.o
      .run()
      .then(
        () => undefined,
        (err: unknown) => this.o.onError(err),
      )
      .finally(() => {
        this.running = undefined;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.o.intervalMs);
      });
  }
}
