import {
  LARGE_IMAGE_BYTES,
  PAYLOAD_FILE_BYTES,
  finding,
  imageFailure,
  mib,
  type Check,
} from './judging.js';

/** Checks read from the images: containerized, platform, data payloads. */
export const IMAGE_CHECKS: Record<string, Check> = {
  containerized(f) {
    const did = "Inspected each task's image with the engine and ran it as the sandbox's replicas.";
    const evidence: string[] = [];
    const failures: string[] = [];
    for (const t of f.tasks) {
      if (!t.image) {
        failures.push(`${t.service.name}: ${t.imageError ?? 'the image could not be inspected'}`);
        continue;
      }
      evidence.push(
        `${t.service.name}: ${t.service.image.tag} (${t.image.id.slice(7, 19)}), ${t.image.os}/${t.image.architecture}, ${mib(t.image.sizeBytes)}, ${t.replicas.length} replica(s) ran`,
      );
      // A replica that started and then failed is the image running: why it failed belongs to
      // the requirement its cause is about (sandbox/checks/startup-causes.ts), not to this one.
      if (t.image.os !== 'linux')
        failures.push(`${t.service.name}: the image is for ${t.image.os}, not linux`);
      else if (imageFailure(f, t)) failures.push(`${t.service.name}: ${imageFailure(f, t)}`);
    }
    return failures.length > 0
      ? finding('fail', did, [...evidence, ...failures], failures.join('; '))
      : finding('pass', did, evidence);
  },

  'x86-64'(f) {
    const did = "Read each task image's platform from its configuration.";
    const evidence: string[] = [];
    const other: string[] = [];
    for (const t of f.tasks) {
      if (!t.image) continue;
      evidence.push(`${t.service.name}: ${t.image.os}/${t.image.architecture}`);
      if (!['amd64', '386', 'x86_64', 'i386'].includes(t.image.architecture))
        other.push(`${t.service.name} is built for ${t.image.architecture}`);
    }
    if (evidence.length === 0)
      return finding('not-checked', did, [], 'no image could be inspected; see Containerized');
    if (other.length === 0) return finding('pass', did, evidence);
    return f.profile === 'hl7-hsp-r2'
      ? finding(
          'warn',
          did,
          evidence,
          `${other.join('; ')}: HSP R2 accepts other architectures as optional`,
        )
      : finding('fail', did, evidence, `${other.join('; ')}; the Marketplace runs x86-64 only`);
  },

  'no-data-payloads'(f) {
    const did = `Looked inside every layer of each task's image for files of ${mib(PAYLOAD_FILE_BYTES)} or more that are not software (executables, scripts, code archives), and at the image's size.`;
    const evidence: string[] = [];
    const problems: string[] = [];
    const warnings: string[] = [];
    for (const t of f.tasks) {
      if (!t.image) continue;
      if (!t.layers) {
        evidence.push(`${t.service.name}: layers not read (${t.layersError ?? 'unknown'})`);
        continue;
      }
      evidence.push(
        `${t.service.name}: ${mib(t.image.sizeBytes)} in ${t.layers.layers} layer(s); largest files: ${t.layers.largest
          .slice(0, 5)
          .map((x) => `${x.path} ${mib(x.bytes)}${x.software ? '' : ' (data)'}`)
          .join(', ')}`,
      );
      const data = t.layers.largest.filter((x) => !x.software && x.bytes >= PAYLOAD_FILE_BYTES);
      if (data.length > 0)
        problems.push(
          `${t.service.name}'s image bundles ${data.map((x) => `${x.path} (${mib(x.bytes)}, layer ${x.layer})`).join(', ')}`,
        );
      if (t.image.sizeBytes > LARGE_IMAGE_BYTES)
        warnings.push(`${t.service.name}'s image is ${mib(t.image.sizeBytes)}`);
    }
    if (problems.length > 0) return finding('fail', did, evidence, problems.join('; '));
    if (evidence.length === 0)
      return finding('not-checked', did, [], 'no image could be inspected; see Containerized');
    if (f.tasks.some((t) => t.image && !t.layers))
      return finding('not-checked', did, evidence, 'the layers of an image could not be read');
    return warnings.length > 0
      ? finding('warn', did, evidence, warnings.join('; '))
      : finding('pass', did, evidence);
  },
};
