import { describe, expect, it } from 'vitest';
import { BuildOnce } from './build-once.js';

describe('BuildOnce', () => {
  it('shares one build between concurrent first uses, and keeps its value', async () => {
    let builds = 0;
    const once = new BuildOnce(async () => ({ n: ++builds }));
    const [a, b] = await Promise.all([once.get(), once.get()]);
    expect(a).toBe(b);
    expect(builds).toBe(1);
    expect(once.value).toBe(a);
    expect(await once.settled()).toBe(a);
  });

  it('does not keep a failed build: the next use builds again', async () => {
    let attempt = 0;
    const once = new BuildOnce(async () => {
      if (++attempt === 1) throw new Error('first build fails');
      return 'built';
    });
    await expect(once.get()).rejects.toThrow('first build fails');
    expect(once.value).toBeUndefined();
    expect(await once.settled()).toBeUndefined();
    expect(await once.get()).toBe('built');
    expect(attempt).toBe(2);
  });

  it('settles to undefined when nothing was ever built', async () => {
    expect(await new BuildOnce(async () => 1).settled()).toBeUndefined();
  });
});
