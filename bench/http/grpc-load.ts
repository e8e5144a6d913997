import * as grpc from '@grpc/grpc-js';
import { loadPolyfaceProto } from './peers/proto.js';

/** What one load window produced, in autocannon's terms so the harness treats both alike. */
export interface LoadResult {
  total: number;
  failed: number;
  p50: number;
  p99: number;
}

const definition = loadPolyfaceProto();
const UserService = grpc.loadPackageDefinition(definition).polyface as unknown as { v1: { UserService: grpc.ServiceClientConstructor } };

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : 0);

/**
 * autocannon speaks HTTP/1.1 only: gRPC load is `connections` unary GetUser calls kept in flight on one grpc-js
 * channel (HTTP/2 multiplexes them, as a real client would), for `seconds`.
 */
export async function grpcLoad(address: string, token: string, seconds: number, connections: number): Promise<LoadResult> {
  const client = new UserService.v1.UserService(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  const latencies: number[] = [];
  let failed = 0;
  const until = performance.now() + seconds * 1000;
  const call = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      (client as unknown as Record<string, (req: unknown, md: grpc.Metadata, cb: (err: unknown) => void) => void>).GetUser!({ id: '1' }, metadata, (err) => {
        if (err) failed++;
        else latencies.push(performance.now() - t0);
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) await call();
    }),
  );
  client.close();
  latencies.sort((a, b) => a - b);
  return { total: latencies.length + failed, failed, p50: Math.round(percentile(latencies, 50) * 100) / 100, p99: Math.round(percentile(latencies, 99) * 100) / 100 };
}
