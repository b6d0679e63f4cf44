import * as tf from '@tensorflow/tfjs';

/**
 * The one TensorFlow.js namespace every VideoLoom package uses. Importing tfjs through here keeps a
 * single tfjs-core instance, so the backend selected by `selectTfjsBackend` is the one models run on.
 */
export { tf };
export type Tf = typeof tf;
