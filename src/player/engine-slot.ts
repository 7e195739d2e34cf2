// The player's SR engine: one installed at a time; starting another prepares it (while frames play on with
// bicubic) and only the latest start installs its engine, the superseded ones are disposed.
import type { CompiledEngineOptions } from '../runtime/compiled-engine.js';
import { createEngine } from '../runtime/create-engine.js';
import { ENGINE_NAMES, isEngineName, type EngineModel, type EngineName, type SREngine } from '../runtime/engine.js';

export class EngineSlot {
  /** the engine installed first (a ladder's: of the rung on screen then); its name is the engine chosen */
  engine: SREngine | null = null;
  /** a bitrate ladder: every rung's installed engine by rung index (the first one included) */
  readonly rungs = new Map<number, SREngine>();
  /** model tiers: every tier's installed engine by tier index (tier 0, the first one, included) */
  readonly tiers = new Map<number, SREngine>();
  private epoch = 0;

  /** Any start in progress no longer installs its engine. */
  supersede(): void { this.epoch++; }

  /** Whether the start that got `epoch` is still the latest. */
  current(epoch: number): boolean { return epoch === this.epoch; }

  /** Begins a start: the epoch to check, the name checked. */
  begin(name: string): number {
    if (!isEngineName(name)) throw new Error(`unknown engine '${name}'; use one of ${ENGINE_NAMES.join(', ')}`);
    return ++this.epoch;
  }

  /** Creates and prepares `name` for `model` (`opts`: the compiled engines' optimizations); disposes it and returns null when superseded meanwhile. */
  async prepare(epoch: number, name: EngineName, device: GPUDevice, model: EngineModel, modelUrl: string,
    onProgress: (fraction: number, message: string) => void, opts: CompiledEngineOptions = {}): Promise<SREngine | null> {
    const engine = await createEngine(name, device, model, opts);
    try {
      await engine.prepare((f, m) => { if (this.current(epoch)) onProgress(f, m); });
    } catch (e) {
      engine.dispose(); // what prepare() allocated before it failed
      throw new Error(`The ${name} engine cannot use the model ${modelUrl}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!this.current(epoch)) { engine.dispose(); return null; }
    return engine;
  }

  /** Disposes the installed engine (run it from the work queue: no frame is using it then). */
  release(): void {
    for (const e of new Set([...this.rungs.values(), ...this.tiers.values()])) if (e !== this.engine) e.dispose();
    this.rungs.clear();
    this.tiers.clear();
    this.engine?.dispose(); this.engine = null;
  }
}
