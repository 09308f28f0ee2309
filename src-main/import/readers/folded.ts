// Folded stacks (`a;b;c 42` lines): a profile of sample counts, kind 'profile', subtype 'collapsed'.

import { profileLikeReader } from './profile-like-reader.js';

export const foldedReader = profileLikeReader('profile', () => 'collapsed');
