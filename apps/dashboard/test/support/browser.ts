/** Debian's Chromium with the flags that render WebGL in software (one shared launcher). */
export { launchChromium } from '@sightline/chromium';
