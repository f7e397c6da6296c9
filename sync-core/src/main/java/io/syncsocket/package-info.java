/**
 * syncsocket: an embedded replicated key/value map for the JVM that joins the p2p-today
 * "sync" mesh (js2p/py2p protocol 0.7).
 *
 * <p>
 * {@link io.syncsocket.MeshSocket} is the peer-to-peer TCP mesh;
 * {@link io.syncsocket.SyncSocket} is the replicated dictionary on top of it.
 */
@NullMarked
package io.syncsocket;

import org.jspecify.annotations.NullMarked;
