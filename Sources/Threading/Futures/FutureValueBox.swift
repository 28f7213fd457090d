/// A finished future's value too large, too aligned, or not movable bit by bit for the
/// inline words of `FutureValueSlot`.
@usableFromInline
final class FutureValueBox<Value: Sendable>: Sendable {
    @usableFromInline let value: Value

    @inlinable
    init(_ value: Value) { self.value = value }
}
