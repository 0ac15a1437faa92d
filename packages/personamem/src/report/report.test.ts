import { describe, expect, it } from 'vitest';
import { buildRunReport } from './accuracy-report.js';
import { renderMarkdown, svgAccuracyByDistance } from './render-report.js';
import { published128k } from './published.js';
import { wilsonInterval } from './wilson.js';
import type { BenchmarkQuestion } from '../types.js';

describe('Wilson interval', () => {
  it('matches known values and stays inside [0, 1]', () => {
    const none = wilsonInterval(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 3);
    const half = wilsonInterval(50, 100);
    expect(half.low).toBeCloseTo(0.4038, 3);
    expect(half.high).toBeCloseTo(0.5962, 3);
    expect(wilsonInterval(10, 10).high).toBe(1);
    expect(Number.isNaN(wilsonInterval(0, 0).accuracy)).toBe(true);
  });
});

describe('run report', () => {
  const question = (id: string, type: string, correct: 'a' | 'b', distance: number, longest: 'a' | 'b'): BenchmarkQuestion => ({
    id,
    type,
    topic: 'music',
    question: 'q',
    options: longest === 'a' ? ['(a) a much longer option', '(b) short'] : ['(a) short', '(b) a much longer option'],
    correct,
    sharedContextId: 'c',
    endIndex: 1,
    distanceInTokens: distance,
  });
  const questions = [question('1', 't1', 'a', 1000, 'a'), question('2', 't1', 'b', 5000, 'a'), question('3', 't2', 'a', 70000, 'b'), question('4', 't2', 'b', 100, 'b')];
  const outcomes = [
    { questionId: '1', correct: true, predicted: 'a', error: null },
    { questionId: '2', correct: true, predicted: 'b', error: null },
    { questionId: '3', correct: false, predicted: 'b', error: null },
    { questionId: '4', correct: false, predicted: null, error: 'upstream_error' },
  ];
  const report = buildRunReport(questions, outcomes, { runId: 'r', responder: 'x', benchmark: 'b' });

  it('breaks accuracy down by type, distance and the longest-option-wrong subset, leaving failures out', () => {
    expect(report.scored).toBe(3);
    expect(report.failed).toBe(1);
    expect(report.all.overall.correct).toBe(2);
    expect(report.all.byType.t1?.accuracy).toBe(1);
    expect(report.all.byType.t2?.accuracy).toBe(0);
    expect(report.all.byDistance.map((entry) => entry.bucket)).toEqual(['<2k', '4k-8k', '64k+']);
    // Questions 2 and 3 have a wrong longest option.
    expect(report.longestWrong.overall.n).toBe(2);
    expect(report.longestWrong.overall.correct).toBe(1);
  });

  it('breaks accuracy down on the questions the option-priors control gets wrong', () => {
    const recall = (id: string, correct: 'a' | 'b'): BenchmarkQuestion => ({
      ...question(id, 'recalling_facts_mentioned_by_the_user', correct, 1000, 'a'),
      options: ['(a) I remember you mentioned your greyhound Biscuit and your morning walks by the river.', '(b) Dogs are nice.'],
    });
    // The control picks (a), the option that recalls the user: right on r1, wrong on r2 and r3.
    const recallQuestions = [recall('r1', 'a'), recall('r2', 'b'), recall('r3', 'b')];
    const answered = [
      { questionId: 'r1', correct: true, predicted: 'a', error: null },
      { questionId: 'r2', correct: true, predicted: 'b', error: null },
      { questionId: 'r3', correct: false, predicted: 'a', error: null },
    ];
    const priors = buildRunReport(recallQuestions, answered, { runId: 'p', responder: 'x', benchmark: 'b' });
    expect(priors.priorsWrong.overall.n).toBe(2);
    expect(priors.priorsWrong.overall.correct).toBe(1);
    const markdown = renderMarkdown('Title', [priors]);
    expect(markdown).toContain('accuracy where the option-priors control is wrong');
    expect(markdown).toContain("## Questions the option-priors control gets wrong (the options' phrasing alone cannot score)");
  });

  it('names each run of the same responder by its run id, in every table and in the SVG legend', () => {
    // Two runs of one responder (other contexts, another endpoint) had two columns both headed "memory".
    const other = buildRunReport(questions, outcomes.map((outcome) => ({ ...outcome, correct: !outcome.correct })), { runId: 'mem-b', responder: 'memory', benchmark: 'b' });
    const first = { ...report, runId: 'mem-a', responder: 'memory' };
    const markdown = renderMarkdown('Title', [first, other, { ...report, runId: 'ctl', responder: 'random' }]);
    const headers = markdown.split('\n').filter((line) => /^\| (question type|topic|distance to reference)/.test(line));
    expect(headers).toHaveLength(5);
    for (const header of headers) expect(header).toMatch(/ \| memory \(mem-a\) \| memory \(mem-b\) \| random \|$/);
    const svg = svgAccuracyByDistance('t', [first, other]);
    expect(svg).toContain('>memory (mem-a)<');
    expect(svg).toContain('>memory (mem-b)<');
    // Distinct responders keep their plain names.
    expect(renderMarkdown('Title', [report])).toContain('| question type | x |');
  });

  it('renders Markdown and an SVG with published reference lines', () => {
    const markdown = renderMarkdown('Title', [report]);
    expect(markdown).toContain('## Accuracy per question type');
    expect(markdown).toContain('0.667 [');
    const svg = svgAccuracyByDistance('t', [report], published128k);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('GPT-4.5 (128k)');
  });
});
