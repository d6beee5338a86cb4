// Engine (host): contract handlers that run engine work (import, people ops, clustering, training, verification), wired as each engine module lands.
import { parseLoss, targetCos } from '../arcface/loss-spec.js';
import type { Handlers } from './context.js';
import { peopleHandlers } from './handlers-people.js';
import { libraryHandlers } from './handlers-library.js';
import type { Engine } from '../engine.js';
import { trainHandlers } from './handlers-train.js';
import { lookalikeHandlers } from './handlers-lookalike.js';
import { verifyHandlers } from './handlers-verify.js';

/** Handlers backed by the engine's modules. A method absent here answers 'not-available' (see host.ts). */
export async function engineHandlers(engine: Engine): Promise<Handlers> {
  return {
    ...peopleHandlers,
    ...libraryHandlers(engine),
    ...trainHandlers(engine),
    ...verifyHandlers(engine),
    ...lookalikeHandlers(),
    'train.curves': (a) =>
      a.curves.map(({ loss, margins }) => {
        const spec = parseLoss(loss, margins);
        const x: number[] = [];
        const y: number[] = [];
        for (let deg = 0; deg <= 180; deg += 1) {
          x.push(deg);
          y.push(targetCos(spec, (deg * Math.PI) / 180));
        }
        const m = spec.base === 'margin' ? ` (m1 ${spec.m1}, m2 ${spec.m2}, m3 ${spec.m3})` : '';
        return { label: `${spec.name}${m}`, x, y };
      }),
  };
}
