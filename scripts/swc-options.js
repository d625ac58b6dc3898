/**
 * The SWC settings shared by the build (scripts/build.mjs), the require hook
 * (scripts/register.js) and jest (jest.config.js), so code run any way is compiled the same.
 */
'use strict';

module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};
