// Stands in for `got` inside Electronegativity (scripts/electron-lint.ts): its only network calls
// fetch translations and Electron's release list, which this project's checks do without.
module.exports = function got() {
  return Promise.reject(new Error('offline: Electronegativity runs without network here'));
};
