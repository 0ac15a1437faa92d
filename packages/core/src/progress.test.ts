import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, displayedMetric } from './progress.js';

describe('displayedMetric', () => {
  it('shows a metric maximised as its negative as users read it', () => {
    const rmse = displayedMetric('valNegRmse');
    expect(rmse.field).toBe('valRmse');
    expect(rmse.format(-1.01171)).toBe('1.0117');
    expect(displayedMetric('negRmse').field).toBe('rmse');
  });

  it('leaves any other metric as it is (word characters only)', () => {
    const ndcg = displayedMetric('valNdcg10');
    expect(ndcg).toMatchObject({ field: 'valNdcg10' });
    expect(ndcg.format(0.18234)).toBe('0.1823');
    expect(displayedMetric('val-ndcg@10').field).toBe('valndcg10');
    // "Neg" inside a word is not a negation.
    expect(displayedMetric('valNegative').field).toBe('valNegative');
  });

  it('renders in a progress bar as valRmse 1.0117, never valNegRmse -1.0117', () => {
    let output = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const metric = displayedMetric('valNegRmse');
    const progress = createProgress({ label: 'biased-mf', total: 10, fields: ['epoch', 'loss', metric.field], stream: stream as unknown as NodeJS.WriteStream });
    progress.increment(10, { epoch: '1/1', loss: '1.0796' });
    progress.increment(0, { [metric.field]: metric.format(-1.0117) });
    progress.stop();
    expect(output).toContain('epoch 1/1 loss 1.0796 valRmse 1.0117');
    expect(output).not.toContain('Neg');
  });
});
