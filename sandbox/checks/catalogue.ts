import type { Requirement } from './types.js';

/**
 * Every MUST, MUST NOT and Best Practice of the Service Packaging Requirements, in the document's
 * order, with the document's own words, why each matters and how to fix a failure. The checks
 * (sandbox/checks/checks/) refer to these by id; a test asserts that each has a check.
 */
export const REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'containerized',
    title: 'Containerized',
    words:
      'Containerized into a single, OCI-compatible image, with Docker as the gold standard and runtime verification tool.',
    severity: 'MUST',
    matters:
      'The Marketplace runs every service the same way: one image per task, started by a container engine. Anything the image needs must be inside it.',
    fix: 'Build one image per task (a Dockerfile ending in the service process), push it, and name it in the task\'s "image" field.',
  },
  {
    id: 'ephemeral',
    title: 'Ephemeral',
    words:
      'Ephemeral. All persistent data MUST be saved to an external database and declared as a service dependency, if needed.',
    severity: 'MUST',
    matters:
      'Containers are replaced at any time (deploys, scaling, host failures). Data written inside one is lost with it, and other replicas never see it.',
    fix: "Keep every record in the declared database (or object store), never on the container's file system; remove VOLUME lines from the Dockerfile; write scratch files under /tmp only.",
  },
  {
    id: 'programmatically-verifiable',
    title: 'Programmatically verifiable',
    words:
      'Services providing standardized capabilities MUST support a mode for exercising declared APIs via a "smoke test" suite triggered via the marketplace.',
    severity: 'MUST',
    matters:
      'Submissions whose smoke test fails are rejected automatically; the smoke test is also how operators know a deployment works.',
    fix: 'Declare a smoke test in rehearsal.yaml (`smoke: [command, …]`) that exercises your declared APIs against $REHEARSAL_URL and exits non-zero on failure.',
  },
  {
    id: 'horizontally-scaled',
    title: 'Horizontally scaled',
    words:
      'Horizontally Scaled. The number of concurrently running containers will usually be more than 1.',
    severity: 'MUST',
    matters:
      'Production runs several replicas behind a load balancer that sends each request to any of them; a service that works only as a single copy fails there.',
    fix: 'Do not take exclusive locks, fixed ports on shared resources or leader roles at start-up; keep state in the database so any replica can serve any request.',
  },
  {
    id: 'dynamically-scalable',
    title: 'Dynamically scalable',
    words:
      'Dynamically Scalable. Instances are scaled up/down at at any time. Note: For HTTP services, the use of sticky sessions is highly discouraged, in favor of JWTs or similar lightweight session tracking for session state data.',
    severity: 'MUST',
    matters:
      'The platform adds replicas under load and removes them when idle: a new replica must take traffic as soon as it is healthy, and a removed one must not take sessions with it.',
    fix: 'Keep sessions in signed tokens (JWT) or the database, not in process memory; answer health checks only when ready; finish in-flight requests on SIGTERM.',
  },
  {
    id: 'single-process',
    title: 'Single process per container',
    words:
      'Single-Process per container task. If your service requires, for example, a single image to be run once as a web service and again as a separate worker node, these alternate entry points SHOULD be declared in the capabilities document.',
    // Listed under "All service implementations MUST be"; the SHOULD is about declaring alternate
    // entry points, not about running one process.
    severity: 'MUST',
    matters:
      'The platform scales, restarts and measures each task as one process; a second process inside (a worker, a cron daemon) is invisible to it and dies silently.',
    fix: 'Run one process per container (exec it from any start script); declare a worker or scheduler as its own task with its own entry point (options) in marketplace.json.',
  },
  {
    id: 'dns-agnostic',
    title: 'DNS agnostic',
    words:
      'Domain Name (DNS) Agnostic. No domain name, SSL/TLS context, and locale-specific settings may be hard-coded into the service.',
    severity: 'MUST',
    matters:
      'The same image is served under different hostnames, ports, locales and time zones by each buyer; a baked-in hostname sends users to the wrong place.',
    fix: 'Build absolute URLs from the request (Host and X-Forwarded-* headers) or a configuration variable; never from a constant; do not depend on the default locale or time zone.',
  },
  {
    id: 'unencrypted',
    title: 'Unencrypted',
    words:
      'Unencrypted. HTTP services will be encrypted at a separate layer providing SSL/TLS as a separate service providing reverse proxy load balancing.',
    severity: 'MUST',
    matters:
      "TLS is terminated by the platform's load balancer, which speaks plain HTTP to the task port; a task that expects TLS there cannot be reached.",
    fix: 'Serve plain HTTP on the declared port and honour X-Forwarded-Proto when building URLs.',
  },
  {
    id: 'compute-constrained',
    title: 'Compute constrained',
    words:
      'Compute Constrained. You MUST define the maximum per-task RAM requirement at image publication time, and manage your use of memory wisely.',
    severity: 'MUST',
    matters:
      'Each replica runs under a hard memory limit; going past it gets the process killed (OOM), mid-request.',
    fix: 'Declare memory_maximum for every task, size caches and worker pools to it (for Node: --max-old-space-size; for Java: -XX:MaxRAMPercentage), and stream large payloads.',
  },
  {
    id: 'x86-64',
    title: 'x86-64',
    words:
      'x86-64. 32-bit binary are obviously fine as well, but we do not support other CPU architectures.',
    severity: 'MUST',
    matters:
      "The Marketplace's hosts are x86-64; an image built only for another CPU does not start there.",
    fix: 'Build for linux/amd64 (`docker buildx build --platform linux/amd64`), or publish a multi-platform image that includes it.',
    profiles: {
      'hl7-hsp-r2':
        'HSP R2 allows other architectures as optional: a non-x86-64 image is a warning.',
    },
  },
  {
    id: 'self-bootstrapped',
    title: 'Self-bootstrapped',
    words:
      'Self-Bootstrapped. Every image must be able to bootstrap itself into a functional, default state with zero human intervention.',
    severity: 'MUST',
    matters:
      "Validation, buyers' evaluations and production all start from an empty database; nobody runs a migration by hand.",
    fix: 'Create or migrate the schema at start-up (idempotently, safe when several replicas start at once), and seed what the default state needs.',
  },
  {
    id: 'stoppable',
    title: 'Stoppable',
    words: 'Stoppable at container shutdown time within 60 seconds.',
    severity: 'MUST',
    matters:
      'Deploys and scale-downs send SIGTERM and kill what is still running after the budget; a process that ignores SIGTERM is killed mid-request every time.',
    fix: 'Handle SIGTERM: stop accepting connections, finish in-flight work, close the database pool, exit. Make the service PID 1 or use `exec` in start scripts so the signal reaches it.',
    profiles: { 'hl7-hsp-r2': 'HSP R2 gives 15 seconds instead of 60.' },
  },
  {
    id: 'good-citizen',
    title: 'Good citizen',
    words: 'Good Citizens executing in good faith that they do exactly what they say.',
    severity: 'MUST',
    matters:
      'Buyers run the image inside their own networks; connections nobody declared are what a security review looks for first.',
    fix: 'Make only the connections your documentation declares (the database, the identity provider); make telemetry opt-in and configurable.',
  },
  {
    id: 'health-traceability',
    title: 'Health & traceability',
    words:
      'Health & Traceability: Process monitoring internal to the container SHOULD support the prevailing standard of practice for the software language/framework in use.',
    severity: 'SHOULD',
    matters:
      'The platform decides whether a replica gets traffic, and whether to replace it, from its health endpoint.',
    fix: 'Expose a health endpoint that reports readiness (database reachable), declare it in rehearsal.yaml (`health: { path }`) and as a HEALTHCHECK.',
  },
  {
    id: 'logging-stdout',
    title: 'Logs to standard output',
    words: 'Logging: Services SHOULD log, and when they do, they SHOULD log to standard out/error',
    severity: 'SHOULD',
    matters:
      'The platform collects what containers print; nothing else is ever seen by an operator.',
    fix: 'Log each request and each error as a line (JSON is best) on stdout or stderr.',
  },
  {
    id: 'logging-no-files',
    title: 'No log files',
    words: 'Logging: … MUST NOT be written to the file system.',
    severity: 'MUST',
    matters:
      'Files written in a container fill its writable layer, are lost when it is replaced, and are never collected.',
    fix: "Send log output to stdout/stderr (configure the framework's file appender away); do not write under /var/log or *.log.",
  },
  {
    id: 'no-phi-in-logs',
    title: 'No PHI/PII in logs',
    words: 'PHI/PII MUST NOT be logged under any circumstance.',
    severity: 'MUST',
    matters:
      "Logs are shipped, indexed and kept by people who have no right to see patients' data; a logged name or birth date is a reportable breach.",
    fix: 'Log identifiers and outcomes, never request bodies, names, birth dates or tokens; scrub fields before logging errors.',
    profiles: {
      'hl7-hsp-r2':
        "HSP R2 lets PHI be logged only behind an administrator's toggle, off by default.",
    },
  },
  {
    id: 'no-data-payloads',
    title: 'No data payloads',
    words:
      'Services MUST NOT be: Data Payloads. Service images are for software only. Do not bundle large data files into the software image.',
    severity: 'MUST',
    matters:
      'Every replica on every host pulls the image; large data in it slows every deploy and scale-up and cannot be updated without a release.',
    fix: 'Download data in an initialisation step or read it from the database; keep the image to the software and its runtime.',
  },
  {
    id: 'not-hardware-dependent',
    title: 'Not hardware dependent',
    words:
      'Services MUST NOT be: Hardware Dependent. … We do not support binding to hardware dependencies at this time.',
    severity: 'MUST',
    matters:
      'Replicas run on any host of a pool, with no devices, no privileges and no host paths.',
    fix: 'Remove device, privileged-mode and host-path requirements; read licences from configuration, not from hardware.',
  },
  {
    id: 'sso-aware',
    title: 'SSO aware',
    words:
      'SSO Aware using OpenID Connect and/or SAML. If your service requires user logins, declare it in your conformance statement as needing an SSO IDP configuration at run-time.',
    severity: 'SHOULD',
    matters:
      'Buyers log their staff in with their own identity provider; a local password store is one more account to manage and leak.',
    fix: "Use an OpenID Connect client library; take issuer, client id and secret from variables; validate tokens against the issuer's JWKS.",
  },
  {
    id: 'provisionable',
    title: 'Provisionable (SCIM 2)',
    words:
      'Provisionable via IETF SCIM 2 API implemation for individual and batch user and group management',
    severity: 'SHOULD',
    matters:
      'Identity systems (Entra ID, Okta) create and remove users through SCIM; without it, leavers keep their access.',
    fix: 'Implement /Users and /Groups with filters, PATCH and pagination as RFC 7643/7644 say, and declare the base path in rehearsal.yaml (`scim: /scim/v2`).',
  },
  {
    id: 'profilable',
    title: 'Profilable',
    words:
      'Profilable via OpenTracing, which supports tracking of user session context *across* services for comprehensive system benchmarking.',
    severity: 'SHOULD',
    matters:
      'Following a request across the load balancer, the service and the database is how slow requests are found.',
    fix: 'Use OpenTelemetry: honour the incoming traceparent header and export spans over OTLP to the configured endpoint.',
    profiles: { 'hl7-hsp-r2': 'HSP R2 names OpenTelemetry instead of OpenTracing.' },
  },
  {
    id: 'incorruptible',
    title: 'Incorruptible',
    words: 'Incorruptible in the event they are killed without notice.',
    severity: 'SHOULD',
    matters:
      'Hosts fail and containers are killed without SIGTERM; an acknowledged write must survive that.',
    fix: 'Acknowledge a write only after the database committed it; use transactions; make start-up repair nothing by hand.',
  },
  {
    id: 'offline-friendly',
    title: 'Offline friendly',
    words:
      'Offline-Friendly to environments where no Internet access is permitted, whenever possible.',
    severity: 'SHOULD',
    matters:
      'Many hospital networks have no route to the Internet; a service that fetches at start-up never starts there.',
    fix: 'Bundle what start-up needs (it is software, not data), and make any download optional with a clear log line when it fails.',
  },
];

export function requirement(id: string): Requirement {
  const r = REQUIREMENTS.find((x) => x.id === id);
  if (!r) throw new Error(`no requirement "${id}" in the catalogue`);
  return r;
}
