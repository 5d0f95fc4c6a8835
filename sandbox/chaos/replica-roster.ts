/**
 * Who is who during a chaos run: X-Replica is a container's short id, the verdicts speak of
 * container names, and a service that does not name itself is known by its address. Also when
 * each replica became healthy, went away, or took to stop on a scale-down.
 */

import type { Engine } from '../engine/engine.js';
import type { RehearsalEvent } from '../events.js';
import type { ServicePlan } from '../plan/types.js';
import { listReplicas } from '../sandbox/replicas.js';
import type { NewReplica, StopTiming } from './verdicts.js';

export class ReplicaRoster {
  /** Replicas' stop timings on scale-downs (SIGTERM sent until removed). */
  readonly scaleStops: StopTiming[] = [];
  private readonly names = new Map<string, string>();
  private readonly idsByName = new Map<string, string>();
  private readonly idByAddress = new Map<string, string>();
  private readonly initial = new Set<string>();
  private readonly healthyAt: { name: string; at: number; id?: string }[] = [];
  private readonly goneAt = new Map<string, number>();
  private readonly stopping = new Map<string, number>();

  constructor(
    private readonly engine: Engine,
    private readonly sandboxId: string,
    private readonly service: ServicePlan,
  ) {}

  /** Reads the replicas again: new ones get a name, an id and an address. */
  readonly refresh = async (): Promise<void> => {
    const replicas = await listReplicas(this.engine, this.sandboxId, this.service.name).catch(
      () => [],
    );
    for (const r of replicas) {
      const id = r.id.slice(0, 12);
      this.names.set(id, r.name);
      if (r.state !== 'running') continue;
      this.idsByName.set(r.name, id);
      if (![...this.idByAddress.values()].includes(id)) {
        const ip = (await this.engine.inspectContainer(r.id).catch(() => undefined))?.ipAddress;
        if (ip) this.idByAddress.set(ip, id);
      }
    }
    for (const h of this.healthyAt) if (!h.id) h.id = this.idsByName.get(h.name);
  };

  /** The replicas running now are the ones the run began with. */
  markInitial(): void {
    for (const id of this.idsByName.values()) this.initial.add(id);
  }

  /** The replica behind an edge backend address (`ip:port`), when known. */
  readonly replicaOfBackend = (address: string): string | undefined =>
    this.idByAddress.get(address.split(':')[0] ?? address);

  /** A replica's container name, else its id. */
  readonly name = (replica: string): string => this.names.get(replica) ?? replica;

  /** Counts per replica id, keyed by container name instead. */
  readonly byName = (counts: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(counts).map(([k, v]) => [this.name(k), v]));

  /** The ids of the replicas running (as last read). */
  running(): Set<string> {
    return new Set(this.idsByName.values());
  }

  /** Replicas running now that were not in `before`. */
  freshSince(before: Set<string>): string[] {
    return [...this.idsByName.values()].filter((id) => !before.has(id));
  }

  /** When the first of `ids` became healthy. */
  firstHealthy(ids: string[]): number | undefined {
    const healthy = this.healthyAt.filter((h) => h.id && ids.includes(h.id)).map((h) => h.at);
    return healthy.length ? Math.min(...healthy) : undefined;
  }

  /** Notes what an event of the task says about its replicas; `at` is the run's clock. */
  observe(e: RehearsalEvent, at: number): void {
    if (e.type === 'replica.healthy') {
      // By id when the event carries it: a name may belong to an earlier, removed replica.
      this.healthyAt.push({
        name: e.container,
        at,
        ...(e.id ? { id: e.id.slice(0, 12) } : {}),
      });
      void this.refresh();
    } else if (e.type === 'replica.stopping') this.stopping.set(e.container, at);
    else if (e.type === 'replica.removed' || e.type === 'replica.died') {
      const id = this.idsByName.get(e.container);
      if (id) this.goneAt.set(id, at);
      const began = this.stopping.get(e.container);
      if (e.type === 'replica.removed' && began !== undefined && e.container.length > 0) {
        this.stopping.delete(e.container);
        this.scaleStops.push({
          container: e.container,
          at: began,
          ms: at - began,
          budgetMs: this.service.stopGraceSeconds * 1000,
        });
      }
    }
  }

  /** Replicas that became healthy during the run, with when each first served and went away. */
  added(firstSeen: Map<string, number>): NewReplica[] {
    return this.healthyAt
      .filter((h) => h.id && !this.initial.has(h.id))
      .map((h) => ({
        container: h.name,
        healthyAt: h.at,
        ...(firstSeen.has(h.id ?? '') ? { firstServedAt: firstSeen.get(h.id ?? '') } : {}),
        ...(this.goneAt.has(h.id ?? '') ? { goneAt: this.goneAt.get(h.id ?? '') } : {}),
      }));
  }
}
