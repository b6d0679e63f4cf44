export { Sam2InputError } from './input-error.js';
export { Sam2ManifestError } from './manifest-error.js';
export { MemoryBankError } from './memory-bank-error.js';
export { Sam2StageContractError } from './stage-contract-error.js';
export { isVideoLoomError, Sam2Error, VIDEOLOOM_ERROR_MARKER } from './videoloom-error.js';
export { Sam2WeightsError } from './weights-error.js';
