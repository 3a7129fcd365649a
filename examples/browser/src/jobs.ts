// One heavy job at a time: the worker owns one model, and a second training run (or a new model)
// would pull it from under the first. A card begins a job, ends it, and every card re-enables its
// buttons from `jobs.current` when it changes.

type Listener = () => void;

class Jobs {
  current: string | null = null;
  private readonly listeners: Listener[] = [];

  /** Marks `name` as running; false (and nothing changes) when another job already runs. */
  begin(name: string): boolean {
    if (this.current !== null) return false;
    this.current = name;
    this.notify();
    return true;
  }

  end(): void {
    this.current = null;
    this.notify();
  }

  get free(): boolean { return this.current === null; }

  onChange(fn: Listener): void { this.listeners.push(fn); }

  private notify(): void { for (const fn of this.listeners) fn(); }
}

export const jobs = new Jobs();
