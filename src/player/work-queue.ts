// The player's GPU work runs one job at a time (loads, engine switches, frames never interleave). A job that fails
// because its device was lost is not an error: the player recovers from the loss (device-loss.ts).

export class WorkQueue {
  private tail: Promise<void> = Promise.resolve();

  /**
   * @param devices the devices a failed job may have lost (the one current when it started, and the current one)
   * @param report a job failed for another reason than a lost device
   */
  constructor(private readonly currentDevice: () => GPUDevice | null, private readonly report: (e: unknown) => void) {}

  /**
   * Runs `job` after all queued work. With `resolveOnLoss` (callers that only wait for completion, e.g. seek) the
   * returned promise resolves when the job failed because the device was lost.
   */
  enqueue(job: () => Promise<void>, opts: { resolveOnLoss?: boolean } = {}): Promise<void> {
    let device: GPUDevice | null = null;
    const run = this.tail.then(() => { device = this.currentDevice(); return job(); });
    this.tail = run.catch(async (e: unknown) => {
      if (await this.failedOnLoss(device)) {
        console.warn(`dydca-player: GPU work failed with the device lost, recovering: ${e instanceof Error ? e.message : String(e)}`);
      } else this.report(e);
    });
    return opts.resolveOnLoss ? run.catch(async (e: unknown) => { if (!(await this.failedOnLoss(device))) throw e; }) : run;
  }

  /** Resolves when everything queued so far has run. */
  idle(): Promise<void> { return this.tail; }

  /** Whether a job that failed lost its device (the one it started on, or the current one). */
  private failedOnLoss(atStart: GPUDevice | null): Promise<boolean> {
    const devices = [atStart, this.currentDevice()].filter((d): d is GPUDevice => !!d);
    // Work on a destroyed device fails (mapAsync AbortError, ...) before or after `lost` resolves: wait briefly for it.
    return devices.length > 0 ? lostWithin(devices, 250) : Promise.resolve(false);
  }
}

/** Whether any of `devices` is (or within `ms` becomes) lost. */
async function lostWithin(devices: GPUDevice[], ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms); });
  try {
    return await Promise.race([...devices.map((d) => d.lost.then(() => true)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
