export { datasetFolders, dataDirectoryCandidates, findDataset, howToGet } from './data-dir.js';
export type { DatasetName, DataDirectoryOptions } from './data-dir.js';
