import type { Writable } from 'node:stream';

import { paint } from './colour.js';
import { render, styled } from './terminal.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Spinner {
  stop(): void;
}

/**
 * A one-line status with a spinner on a terminal (stderr); nothing at all elsewhere, so logs and
 * scripts see only the plain messages. Colour follows NO_COLOR and --no-color.
 */
export function startSpinner(
  stream: Writable,
  text: string,
  env: NodeJS.ProcessEnv,
  colourFlag?: boolean,
): Spinner {
  if (!(stream as Writable & { isTTY?: boolean }).isTTY) return { stop: () => {} };
  const colour = paint(stream, env, colourFlag);
  let frame = 0;
  // Its own escapes (back to the start of the line, clear it) around a rendered, sanitised line.
  const draw = () =>
    stream.write(`\r\u001b[2K${render(styled`${colour.bold(frames[frame++ % frames.length]!)} ${text}`)}`);
  draw();
  const timer = setInterval(draw, 80);
  timer.unref();
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write('\r\u001b[2K');
    },
  };
}
