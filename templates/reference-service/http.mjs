// Small HTTP helpers: reading a capped JSON body and writing FHIR responses.
import { FHIR_JSON, outcome } from './fhir.mjs';

/** Largest request body accepted: 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** An error the client caused: becomes `status` with an OperationOutcome. */
export class HttpError extends Error {
  constructor(status, code, diagnostics, headers = {}) {
    super(diagnostics);
    this.name = 'HttpError';
    this.status = status;
    this.issueCode = code;
    this.headers = headers;
  }
}

const JSON_TYPE = /^application\/(fhir\+|scim\+)?json\s*(;|$)/i;

/**
 * Reads and parses a JSON body of at most MAX_BODY_BYTES. Past the cap it
 * stops reading and rejects with 413; the response then closes the
 * connection, since the rest of the body is never read.
 */
export async function readJson(req) {
  const type = req.headers['content-type'];
  if (type !== undefined && !JSON_TYPE.test(type)) {
    throw new HttpError(
      415,
      'not-supported',
      'send the body as application/fhir+json or application/json',
    );
  }
  const tooLarge = () =>
    new HttpError(413, 'too-costly', `the body is larger than ${MAX_BODY_BYTES} bytes`, {
      Connection: 'close',
    });
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) throw tooLarge();

  const raw = await new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const finish = (fn, value) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      fn(value);
    };
    const onData = (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        finish(reject, tooLarge());
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => finish(resolve, Buffer.concat(chunks).toString('utf8'));
    const onError = (err) => finish(reject, err);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });

  if (raw.trim() === '') throw new HttpError(400, 'required', 'a JSON body is required');
  try {
    return JSON.parse(raw);
  } catch {
    // The parser's message quotes the body; the client gets a fixed one.
    throw new HttpError(400, 'invalid', 'the body is not valid JSON');
  }
}

/** Writes a FHIR JSON response (or an empty one when `body` is undefined). */
export function send(res, status, body, headers = {}) {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res
    // A route may name its own media type (SCIM answers application/scim+json).
    .writeHead(status, {
      'Content-Type': res.getHeader('Content-Type') ?? FHIR_JSON,
      'Content-Length': Buffer.byteLength(text),
    })
    .end(text);
}

/** Writes an OperationOutcome with one issue. */
export function sendOutcome(res, status, code, diagnostics, headers = {}) {
  send(res, status, outcome(status >= 500 ? 'fatal' : 'error', code, diagnostics), headers);
}
