// Public API of @videoloom/eval (the CLIs live in src/bin/).
export {
  type DoctorCandidate,
  type DoctorOptions,
  type DoctorReport,
  formatDoctorReport,
  runDoctor,
} from './doctor/run-doctor.js';
