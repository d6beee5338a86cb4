// Unit tests (engine/arcface): the margin family's target logits at hand-computed angles, the ArcFace guard, loss names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guardOf, parseLoss, targetCos, targetLogitCurves } from '../../../../src/engine/arcface/loss-spec.js';

const deg = (d: number) => (d * Math.PI) / 180;
const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

test('each margin at θ = 60°: NS cos θ, ArcFace cos(θ+0.5), CosFace cos θ − 0.35, SphereFace cos(1.35θ), CM1, CM2', () => {
  const t = deg(60);
  close(targetCos(parseLoss('ns'), t), 0.5);
  close(targetCos(parseLoss('arcface'), t), Math.cos(Math.PI / 3 + 0.5)); // 0.02360...
  close(targetCos(parseLoss('arcface'), t), 0.0236, 1e-4);
  close(targetCos(parseLoss('cosface'), t), 0.15);
  close(targetCos(parseLoss('sphereface'), t), Math.cos(1.35 * (Math.PI / 3))); // cos 81° = 0.1564
  close(targetCos(parseLoss('sphereface'), t), 0.15643, 1e-5);
  close(targetCos(parseLoss('cm1'), t), Math.cos(Math.PI / 3 + 0.3) - 0.2);
  close(targetCos(parseLoss('cm2'), t), Math.cos(0.9 * (Math.PI / 3) + 0.4) - 0.15);
  close(targetCos(parseLoss('arcface', { m2: 0.3 }), 0), Math.cos(0.3));
});

test('A-Softmax ψ(θ) with m = 4 is monotonic and matches (−1)^k cos(4θ) − 2k blended by λ', () => {
  const spec = parseLoss('asoftmax', { lambda: 0 });
  close(targetCos(spec, deg(60)), -Math.cos(deg(240)) - 2); // 4θ = 240°, k = 1: −cos 240° − 2 = −1.5
  close(targetCos(spec, deg(60)), -1.5);
  close(targetCos(spec, deg(30)), Math.cos(deg(120))); // 4θ = 120°, k = 0
  let prev = Infinity;
  for (let d = 0; d <= 180; d += 1) {
    const v = targetCos(spec, deg(d));
    assert.ok(v <= prev + 1e-12, `ψ not monotonic at ${d}°`);
    prev = v;
  }
  close(targetCos(spec, Math.PI), -7); // k = 3 at π (clamped): −cos 4π − 6
  const blended = parseLoss('asoftmax', { lambda: 5 });
  close(targetCos(blended, deg(60)), (5 * 0.5 - 1.5) / 6);
});

test('the ArcFace guard: past θ = π − m the target is cos θ − sin(π − m)·m, and stays decreasing', () => {
  const spec = parseLoss('arcface');
  const g = guardOf(spec)!;
  close(g.th, Math.cos(Math.PI - 0.5));
  close(g.mm, Math.sin(Math.PI - 0.5) * 0.5);
  const t = deg(170); // > 180° − 28.6°
  close(targetCos(spec, t), Math.cos(t) - Math.sin(Math.PI - 0.5) * 0.5);
  assert.ok(targetCos(spec, deg(175)) < targetCos(spec, deg(150)));
  // without the guard cos(θ + m) would rise again past π − m
  assert.ok(Math.cos(deg(175) + 0.5) > Math.cos(deg(160) + 0.5));
  assert.equal(guardOf(parseLoss('cosface')), undefined);
  // combined margins with m1 ≠ 1: continuous at θt
  const cm2 = parseLoss('cm2');
  const gc = guardOf(cm2)!;
  close(targetCos(cm2, gc.thetaT - 1e-9), targetCos(cm2, gc.thetaT + 1e-9), 1e-6);
});

test('loss names: presets, extra terms, overrides and clear errors', () => {
  const a = parseLoss('ArcFace+Intra+Inter');
  assert.equal(a.name, 'arcface+intra+inter');
  assert.ok(a.intra && a.inter && a.triplet === 0 && a.m2 === 0.5 && a.s === 64);
  assert.equal(parseLoss('arcface+triplet').triplet, 0.35);
  assert.equal(parseLoss('triplet').base, 'none');
  assert.equal(parseLoss('combined', { m1: 1, m2: 0.3, m3: 0.2 }).m3, 0.2);
  assert.throws(() => parseLoss('arcfaec'), /unknown loss 'arcfaec'/);
  assert.throws(() => parseLoss('arcface+center'), /unknown extra term 'center'/);
  assert.throws(() => parseLoss('asoftmax', { m: 2.5 }), /integer m/);
  assert.throws(() => parseLoss('arcface', { s: 0 }), /s must be > 0/);
});

test('target logit curves for the seed figure span 0..180° and start at 1 − m3 (or cos m2)', () => {
  const [arc, cos] = targetLogitCurves([parseLoss('arcface'), parseLoss('cosface')], 181);
  assert.equal(arc!.x.length, 181);
  assert.equal(arc!.x.at(-1), 180);
  close(arc!.y[0]!, Math.cos(0.5));
  close(cos!.y[0]!, 0.65);
  assert.equal(arc!.label, 'arcface (m1 1, m2 0.5, m3 0)');
});
