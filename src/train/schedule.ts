// When training stops and what learning rate each step gets: a step count (cosine over steps, exactly
// reproducible) or a wall-clock budget (the same warm-up and cosine over the fraction of time used).
import { cosineLearningRate } from './adam.js';

/** Share of a time budget spent warming the rate up (as `warmupSteps` defaults to 5% of `steps`). */
const WARMUP_FRACTION = 0.05;
/** The first step of a time budget, before any time has passed, runs at this share of the rate. */
const FIRST_STEP_FRACTION = 0.01;

export class TrainSchedule {
  /**
   * `steps`: the step count (a cap when `seconds` is set); `warmup`: warm-up steps (step mode);
   * `seconds`: a wall-clock budget, or undefined for step mode.
   */
  constructor(private readonly baseLr: number, readonly steps: number, private readonly warmup: number, readonly seconds?: number) {
    if (seconds !== undefined && !(seconds > 0)) throw new Error(`a training time budget must be > 0 seconds; got ${seconds}`);
  }

  get timed(): boolean { return this.seconds !== undefined; }

  /** Learning rate of `step` (0-based), started `elapsed` seconds into the run. */
  learningRate(step: number, elapsed: number): number {
    if (this.seconds === undefined) return cosineLearningRate(this.baseLr, step, this.steps, this.warmup);
    const f = Math.min(1, elapsed / this.seconds);
    if (f < WARMUP_FRACTION) return this.baseLr * Math.max(FIRST_STEP_FRACTION, f / WARMUP_FRACTION);
    return 0.5 * this.baseLr * (1 + Math.cos((Math.PI * (f - WARMUP_FRACTION)) / (1 - WARMUP_FRACTION)));
  }

  /** True when no further step should start. */
  done(step: number, elapsed: number, stopAtStep = Infinity): boolean {
    return step >= Math.min(this.steps, stopAtStep) || (this.seconds !== undefined && elapsed >= this.seconds);
  }

  /**
   * Total steps to show and seconds left, given `stepsThisRun` steps took `runSeconds` seconds and the schedule
   * has used `elapsed` seconds in all (more than `runSeconds` after a resume; the same by default).
   */
  outlook(step: number, stepsThisRun: number, runSeconds: number, elapsed = runSeconds): { steps: number; etaSec: number; stepsPerSec: number } {
    const stepsPerSec = stepsThisRun / Math.max(runSeconds, 1e-9);
    if (this.seconds === undefined) return { steps: this.steps, etaSec: (this.steps - step) / stepsPerSec, stepsPerSec };
    const left = Math.max(0, this.seconds - elapsed);
    return { steps: Math.min(this.steps, step + Math.round(left * stepsPerSec)), etaSec: left, stepsPerSec };
  }
}
