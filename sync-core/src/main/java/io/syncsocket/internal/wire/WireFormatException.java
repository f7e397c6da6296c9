package io.syncsocket.internal.wire;

import io.syncsocket.LinkFault;

/**
 * Bytes from a peer that break the wire format. Carries the {@link LinkFault} so the
 * transport and mesh layers can count it and decide whether to close the link.
 */
public class WireFormatException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final LinkFault fault;

	public WireFormatException(LinkFault fault, String message) {
		super(message, null, false, false);
		this.fault = fault;
	}

	public WireFormatException(LinkFault fault, String message, Throwable cause) {
		super(message, cause, false, false);
		this.fault = fault;
	}

	/** The detail given at construction (never null). */
	@Override
	public String getMessage() {
		return java.util.Objects.requireNonNull(super.getMessage());
	}

	public LinkFault fault() {
		return this.fault;
	}

}
