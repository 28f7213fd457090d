/// Where a finished future keeps its value, in a layout that does not depend on the
/// value's type.
///
/// Why not a `Value` field: a generic class's deinit is never specialised. When the state
/// held the value as `FutureOutcome<Value>`, its layout depended on `Value`, so destroying it
/// in `Future.deinit` looked up `FutureState<Value>`'s generic metadata for every future
/// (`swift_getGenericMetadata`, about 60 ns: a quarter of W1's time per task). With this
/// slot the state's layout is fixed, and the owner destroys the value through `Value`'s own
/// value witnesses, which the future's class metadata already carries.
///
/// Values of up to two words that may be moved bit by bit (integers, strings, arrays,
/// class references) live in the slot's two words; any other value goes in a
/// `FutureValueBox` (one allocation) whose retained pointer the first word holds. Two words,
/// not three: with a third, `FutureState` grew past what the optimiser keeps in registers,
/// and every `Future(work:)` copied its initial state through the generic value witness.
///
/// The slot does not destroy its value by itself: whoever stored one calls `destroy(as:)`
/// exactly once, with the type it stored. A copy of a slot shares the value, unretained;
/// the only slot in use is the one inside a `Future`'s state, which is never copied.
@usableFromInline
struct FutureValueSlot: Sendable {
    @usableFromInline typealias Words = (UInt, UInt)

    @usableFromInline var words: Words = (0, 0)

    @inlinable
    init() {}

    /// Whether a `Value` lives in the words themselves; decided by the type alone, so the
    /// specialised hot path folds it away.
    @inlinable
    static func storesInline<Value>(_: Value.Type) -> Bool {
        MemoryLayout<Value>.size <= MemoryLayout<Words>.size
            && MemoryLayout<Value>.alignment <= MemoryLayout<Words>.alignment
            && _isBitwiseTakable(Value.self)
    }

    /// Stores `value` in an empty slot.
    @inlinable
    mutating func store<Value: Sendable>(_ value: Value) {
        if Self.storesInline(Value.self) {
            withUnsafeMutableBytes(of: &words) { raw in
                _ = raw.baseAddress.unsafelyUnwrapped.initializeMemory(as: Value.self, to: value)
            }
        } else {
            words.0 = UInt(bitPattern: Unmanaged.passRetained(FutureValueBox(value)).toOpaque())
        }
    }

    /// A copy of the stored value.
    @inlinable
    func load<Value: Sendable>(as _: Value.Type) -> Value {
        if Self.storesInline(Value.self) {
            return withUnsafeBytes(of: words) { raw in
                raw.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: Value.self).pointee
            }
        }
        return box(of: Value.self).takeUnretainedValue().value
    }

    /// Destroys the stored value; the slot is empty afterwards.
    @usableFromInline
    mutating func destroy<Value: Sendable>(as _: Value.Type) {
        if Self.storesInline(Value.self) {
            withUnsafeMutableBytes(of: &words) { raw in
                _ = raw.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: Value.self).deinitialize(
                    count: 1)
            }
        } else {
            box(of: Value.self).release()
        }
        words = (0, 0)
    }

    @inlinable
    func box<Value: Sendable>(of _: Value.Type) -> Unmanaged<FutureValueBox<Value>> {
        Unmanaged.fromOpaque(UnsafeRawPointer(bitPattern: words.0).unsafelyUnwrapped)
    }
}
