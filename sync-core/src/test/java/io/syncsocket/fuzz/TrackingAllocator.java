package io.syncsocket.fuzz;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * A heap allocator that remembers every buffer it hands out, so a test can check that all
 * of them were released. Buffers are also wrapped for Netty's leak detector (paranoid in
 * the build), like the stock unpooled allocator's. Confined to one thread (an
 * EmbeddedChannel's).
 */
final class TrackingAllocator extends AbstractByteBufAllocator {

	private final List<ByteBuf> allocated = new ArrayList<>();

	TrackingAllocator() {
		super(false);
	}

	@Override
	protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
		ByteBuf buffer = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
		this.allocated.add(buffer);
		return toLeakAwareBuffer(buffer);
	}

	@Override
	protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
		return newHeapBuffer(initialCapacity, maxCapacity);
	}

	@Override
	public boolean isDirectBufferPooled() {
		return false;
	}

	int allocatedCount() {
		return this.allocated.size();
	}

	/** Buffers not yet released, with their reference counts. */
	List<String> unreleased() {
		List<String> live = new ArrayList<>();
		for (int i = 0; i < this.allocated.size(); i++) {
			ByteBuf buffer = this.allocated.get(i);
			if (buffer.refCnt() != 0) {
				live.add("buffer #" + i + " refCnt " + buffer.refCnt() + " (" + buffer.readableBytes() + " readable)");
			}
		}
		return live;
	}

	/**
	 * Releases what is still held, after a failed check, so one failure does not cascade
	 * into leak reports.
	 */
	void releaseAll() {
		for (ByteBuf buffer : this.allocated) {
			if (buffer.refCnt() > 0) {
				buffer.release(buffer.refCnt());
			}
		}
	}

}
