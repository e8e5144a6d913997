/**
 * Something built on first use, once: concurrent first uses share one build, and a failed build is not kept, so
 * the next use tries again. What the lazily built faces (the Socket.IO chat, gRPC) share.
 */
export class BuildOnce<T> {
  /** The built value, once the build has succeeded (a synchronous fast path for every later use). */
  value: T | undefined;
  private building: Promise<T> | undefined;

  constructor(private readonly build: () => Promise<T>) {}

  get(): Promise<T> {
    this.building ??= this.build().then(
      (built) => (this.value = built),
      (err: unknown) => {
        this.building = undefined;
        throw err;
      },
    );
    return this.building;
  }

  /** What was built, or undefined when nothing was (or the build failed): for shutdown. */
  settled(): Promise<T | undefined> {
    return this.building?.catch(() => undefined) ?? Promise.resolve(undefined);
  }
}
