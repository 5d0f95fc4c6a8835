/** Containers between Rehearsal's terms and the Engine API's: create options, list and inspect. */

import type Docker from 'dockerode';
import type {
  ContainerDetails,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  DockerHealth,
} from './engine.js';

const NS_PER_MS = 1_000_000;

/** The create options of a container: ports on 127.0.0.1 only, no restart policy of its own. */
export function createOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const exposed = Object.fromEntries(spec.publish.map((p) => [`${p.container}/tcp`, {}]));
  const bindings = Object.fromEntries(
    spec.publish.map((p) => [
      `${p.container}/tcp`,
      [{ HostIp: '127.0.0.1', HostPort: p.host === undefined ? '' : String(p.host) }],
    ]),
  );
  return {
    name: spec.name,
    Image: spec.image,
    ...(spec.command ? { Cmd: spec.command } : {}),
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: spec.labels,
    ExposedPorts: exposed,
    ...(spec.user !== undefined ? { User: spec.user } : {}),
    StopTimeout: spec.stopTimeoutSeconds,
    ...(spec.healthcheck
      ? {
          Healthcheck: {
            Test: spec.healthcheck.test,
            Interval: spec.healthcheck.intervalMs * NS_PER_MS,
            Timeout: spec.healthcheck.timeoutMs * NS_PER_MS,
            Retries: spec.healthcheck.retries,
            StartPeriod: spec.healthcheck.startPeriodMs * NS_PER_MS,
          },
        }
      : {}),
    HostConfig: {
      NetworkMode: spec.shareNetworkOf ? `container:${spec.shareNetworkOf}` : spec.network,
      PortBindings: bindings,
      // Memory and swap equal: the declared maximum is a real ceiling, not a soft hint.
      ...(spec.memoryBytes ? { Memory: spec.memoryBytes, MemorySwap: spec.memoryBytes } : {}),
      Mounts: spec.volumes.map((v) => ({
        Type: 'volume' as const,
        Source: v.volume,
        Target: v.target,
      })),
      RestartPolicy: { Name: 'no' },
    },
    ...(spec.shareNetworkOf
      ? {}
      : { NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: spec.aliases } } } }),
  };
}

/** A container as `docker ps --all` lists it, with its ports published on IPv4. */
export function summaryFrom(c: Docker.ContainerInfo): ContainerSummary {
  return {
    id: c.Id,
    name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
    labels: c.Labels ?? {},
    state: c.State as ContainerState,
    created: c.Created,
    published: Object.fromEntries(
      (c.Ports ?? [])
        .filter((p) => p.PublicPort && p.IP !== '::')
        .map((p) => [p.PrivatePort, p.PublicPort]),
    ),
  };
}

/** A container's inspection: ports published on 127.0.0.1, and Docker's zero times dropped. */
export function detailsFrom(c: Docker.ContainerInspectInfo): ContainerDetails {
  const published: Record<number, number> = {};
  for (const [port, binds] of Object.entries(c.NetworkSettings.Ports ?? {})) {
    const host = (binds ?? []).find((b) => b.HostIp === '127.0.0.1');
    if (host) published[Number.parseInt(port, 10)] = Number(host.HostPort);
  }
  const network = Object.values(c.NetworkSettings.Networks ?? {})[0];
  return {
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    labels: c.Config.Labels ?? {},
    state: c.State.Status as ContainerState,
    created: Math.floor(Date.parse(c.Created) / 1000),
    published,
    health: ((c.State as { Health?: { Status?: string } }).Health?.Status ??
      'none') as DockerHealth,
    exitCode: c.State.ExitCode,
    oomKilled: c.State.OOMKilled,
    ...(c.State.StartedAt && !c.State.StartedAt.startsWith('0001')
      ? { startedAt: c.State.StartedAt }
      : {}),
    ...(c.State.FinishedAt && !c.State.FinishedAt.startsWith('0001')
      ? { finishedAt: c.State.FinishedAt }
      : {}),
    memoryLimitBytes: c.HostConfig.Memory ?? 0,
    ...(network?.IPAddress ? { ipAddress: network.IPAddress } : {}),
    addresses: Object.values(c.NetworkSettings.Networks ?? {})
      .map((n) => n.IPAddress)
      .filter(Boolean),
    networks: Object.keys(c.NetworkSettings.Networks ?? {}),
    restartCount: c.RestartCount,
    ...(c.Config.Healthcheck?.Test?.length ? { healthcheckTest: c.Config.Healthcheck.Test } : {}),
  };
}
