import { describe, expect, it } from 'vitest';
import { defaultPersonaFilterModel } from './persona-filter-model.js';
import { personaFeatures, personaScore, trainPersonaFilter, type PersonaFilterExample } from './persona-filter.js';

describe('personaFeatures', () => {
  it('describes the opening words, content words, length, flags and context', () => {
    const features = personaFeatures('i do not have two dogs', 'fact', { partnerEcho: 0.5, answersQuestion: true });
    expect(features).toEqual(expect.arrayContaining(['source:fact', 'length:2', 'first2:i do', 'word:two', 'word:dogs', 'negated', 'number', 'echo:most', 'answer']));
    expect(personaFeatures('i like it', 'clause', undefined, 'structural')).not.toContain('word:like');
    expect(personaFeatures('i like it', 'clause')).not.toContain('echo:none');
  });
});

describe('trainPersonaFilter', () => {
  const examples: PersonaFilterExample[] = [];
  for (let index = 0; index < 40; index++) {
    examples.push({ text: `i have ${index % 5} dogs`, source: 'fact', label: true });
    examples.push({ text: `i watched a show about cats ${index % 3}`, source: 'clause', label: false });
  }

  it('learns which statements are persona-like and is deterministic', () => {
    const model = trainPersonaFilter(examples, { threshold: 0.4 });
    expect(personaScore(model, 'i have dogs', 'fact')).toBeGreaterThan(0.8);
    expect(personaScore(model, 'i watched a show about cats', 'clause')).toBeLessThan(0.2);
    expect(model.threshold).toBe(0.4);
    expect(trainPersonaFilter(examples, { threshold: 0.4 })).toEqual(model);
  });

  it('gives no weight to features rarer than minCount', () => {
    const model = trainPersonaFilter([...examples, { text: 'i collect rare stamps', source: 'fact', label: true }], { minCount: 3 });
    expect(model.weights['word:stamps']).toBeUndefined();
    expect(model.weights['word:dogs']).toBeGreaterThan(0);
  });
});

describe('defaultPersonaFilterModel', () => {
  it('is a trained model with a threshold between 0 and 1', () => {
    expect(Object.keys(defaultPersonaFilterModel.weights).length).toBeGreaterThan(100);
    expect(defaultPersonaFilterModel.threshold).toBeGreaterThan(0);
    expect(defaultPersonaFilterModel.threshold).toBeLessThan(1);
    expect(defaultPersonaFilterModel.description).toMatch(/Synthetic-Persona-Chat test/);
  });

  it('scores a self-disclosure above an echo of what the partner just said', () => {
    const fresh = personaScore(defaultPersonaFilterModel, 'i have two dogs', 'fact', { partnerEcho: 0, answersQuestion: false });
    const echo = personaScore(defaultPersonaFilterModel, 'i have two dogs', 'fact', { partnerEcho: 1, answersQuestion: false });
    expect(fresh).toBeGreaterThan(echo);
    expect(fresh).toBeGreaterThanOrEqual(defaultPersonaFilterModel.threshold);
  });
});
