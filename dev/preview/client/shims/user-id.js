/**
 * `@salesforce/user/Id` in the local preview: the id of the user chosen in this tab. Evaluated when
 * the room chunk loads, which the entry only does after a user was chosen.
 */
import { currentSession } from '../session.js';

const session = currentSession();

export default session ? session.userId : undefined;
