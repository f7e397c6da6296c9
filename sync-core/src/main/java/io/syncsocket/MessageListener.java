package io.syncsocket;

/**
 * Receives user messages as they arrive, in arrival order. Called on the socket's node
 * loop (or on the listener executor, {@link MeshThreads#listenerExecutor()}); it must not
 * block. A listener that throws is logged and never disturbs the socket.
 */
@FunctionalInterface
public interface MessageListener {

	void onMessage(Message message);

}
