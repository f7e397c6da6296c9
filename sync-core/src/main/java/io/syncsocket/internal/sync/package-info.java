/**
 * The replicated dictionary: entries, the lease rule, state transfer and listener
 * dispatch (PROTOCOL.md §7). State changes only under the node lock (see NodeLoop).
 *
 * <p>
 * Internal API, no compatibility promise.
 */
@NullMarked
package io.syncsocket.internal.sync;

import org.jspecify.annotations.NullMarked;
