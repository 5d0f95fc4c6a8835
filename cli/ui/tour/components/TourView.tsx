import { Box, Text } from 'ink';
import { requirement } from '../../../../sandbox/checks/catalogue.js';
import type { TourStep } from '../../../../sandbox/live/tour.js';
import { TONE_COLOR } from '../../tone.js';
import type { StepRun, StepVerdict, TourState } from '../state.js';

const MARK: Record<StepRun['state'], string> = {
  waiting: '·',
  running: '●',
  done: '✓',
  failed: '!',
  stopped: '–',
};

const VERDICT: Record<StepVerdict, { text: string; tone: 'good' | 'bad' | 'warn' | 'plain' }> = {
  pass: { text: 'PASS', tone: 'good' },
  fail: { text: 'FAIL', tone: 'bad' },
  warn: { text: 'WARN', tone: 'warn' },
  'not-applicable': { text: 'NOT APPLICABLE', tone: 'plain' },
  'not-checked': { text: 'NOT CHECKED', tone: 'warn' },
};

function envText(step: TourStep): string {
  const pairs = Object.entries(step.env).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? pairs.join(' ') : 'no switch: the service as shipped';
}

/** Whether the step came out as the tour expects: the variant caught, the reference passing. */
export function caught(step: TourStep, run: StepRun): boolean | undefined {
  if (!run.result) return undefined;
  return step.requirement ? run.result.verdict === 'fail' : run.result.verdict === 'pass';
}

function RequirementText({ id, width }: { id: string; width: number }) {
  const r = requirement(id);
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <Text wrap="truncate">
        <Text bold>Requirement: </Text>
        {r.title} ({r.severity})
      </Text>
      <Box flexDirection="column" paddingLeft={2} width={width}>
        <Text wrap="wrap" dimColor>{`“${r.words}”`}</Text>
        <Text wrap="wrap">
          <Text bold>Why it matters: </Text>
          {r.matters}
        </Text>
        <Text wrap="wrap">
          <Text bold>How to fix: </Text>
          {r.fix}
        </Text>
      </Box>
    </Box>
  );
}

function Outcome({ step, run, width }: { step: TourStep; run: StepRun; width: number }) {
  const how = step.by === 'check' ? 'the checks' : `chaos (${step.verdict} verdict)`;
  if (run.state === 'waiting')
    return <Text dimColor>Not run yet: it starts when you come to this step.</Text>;
  if (run.state === 'running')
    return (
      <Text wrap="truncate" color="yellow">
        {`Running ${how}… ${run.progress ?? ''}`.slice(0, width)}
      </Text>
    );
  if (run.state === 'stopped')
    return <Text dimColor>Stopped before a verdict: r runs it again.</Text>;
  if (run.state === 'failed')
    return (
      <Text wrap="wrap" color="red">
        Could not finish: {run.error}. r runs it again.
      </Text>
    );
  const v = run.result ? VERDICT[run.result.verdict] : undefined;
  const ok = caught(step, run);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="wrap">
        <Text bold>Verdict by {how}: </Text>
        <Text color={v ? TONE_COLOR[v.tone] : undefined}>{v?.text}</Text>
        {run.result?.why ? ` — ${run.result.why}` : ''}
      </Text>
      <Text wrap="truncate" color={ok ? 'green' : 'yellow'}>
        {step.requirement
          ? ok
            ? 'Caught: this is the failure a reviewer would see.'
            : 'Not caught this time (a loaded machine can leave a verdict undecided): r runs it again.'
          : ok
            ? 'Every MUST passes: this is what a conforming service looks like.'
            : 'A MUST failed on the reference service: r runs it again.'}
      </Text>
    </Box>
  );
}

/**
 * The workshop tour: one step on screen — what the variant does, the requirement it breaks in
 * the document's words with why it matters and how to fix it, and the verdict of the check or
 * chaos run that catches it — with the list of steps and the keys underneath.
 */
export function TourView({ state, width }: { state: TourState; width: number }) {
  const step = state.steps[state.index];
  const run = state.runs[state.index];
  if (!step || !run) return null;
  const n = state.steps.length;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>Rehearsal tour</Text>
        {` · step ${state.index + 1} of ${n} · caught by ${step.by === 'check' ? 'the checks' : 'chaos under traffic'}`}
      </Text>
      <Box flexDirection="column" width={width} marginTop={1}>
        <Text wrap="truncate" bold>
          {step.title}
        </Text>
        <Text wrap="truncate" color="cyan">
          {`  ${envText(step)}`}
        </Text>
        <Box paddingLeft={2} width={width}>
          <Text wrap="wrap">{`${step.does}.`}</Text>
        </Box>
      </Box>
      {step.requirement ? <RequirementText id={step.requirement} width={width} /> : null}
      <Box width={width} marginTop={1}>
        <Outcome step={step} run={run} width={width} />
      </Box>
      <Box width={width} marginTop={1}>
        <Text wrap="truncate">
          {state.steps.map((s, i) => (
            <Text key={s.key} inverse={i === state.index} color={stateColor(s, state.runs[i])}>
              {`${MARK[state.runs[i]?.state ?? 'waiting']}${i + 1}`}
              {i < n - 1 ? ' ' : ''}
            </Text>
          ))}
        </Text>
      </Box>
      <Text wrap="truncate" dimColor>
        {state.quitting
          ? 'tearing down what the tour started…'
          : 'n/→ next · b/← back · r run again · q quit (removes what the tour started)'}
      </Text>
    </Box>
  );
}

function stateColor(step: TourStep, run: StepRun | undefined): string | undefined {
  if (!run) return undefined;
  const ok = caught(step, run);
  return ok === undefined ? (run.state === 'running' ? 'yellow' : undefined) : ok ? 'green' : 'red';
}
