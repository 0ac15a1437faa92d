export { profileExtractorConformance, conformanceConversation, conformanceFollowUp } from './profile-extractor-conformance.js';
export type { ProfileExtractorFactory } from './profile-extractor-conformance.js';
export { scriptedExtraction } from './scripted-extraction.js';
