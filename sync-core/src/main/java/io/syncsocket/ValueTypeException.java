package io.syncsocket;

/**
 * A value does not have the type an operation needs: {@link SyncSocket#applyDelta} onto a
 * key whose value is not a map, or a typed getter such as {@link SyncSocket#getString} on
 * a value of another type. Nothing was changed.
 */
public class ValueTypeException extends SyncSocketException {

	private static final long serialVersionUID = 1L;

	private final String key;

	public ValueTypeException(String key, String expected, String actual) {
		super("value of key '" + key + "' is " + actual + " (expected: " + expected + ")");
		this.key = key;
	}

	public String key() {
		return this.key;
	}

}
