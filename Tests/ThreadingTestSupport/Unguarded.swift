/// A value shared between threads only under the lock a test is checking, or written
/// before a `join` and read after it, so ThreadSanitizer sees any access that the lock or
/// the join fails to order.
package final class Unguarded<Value>: @unchecked Sendable {
    // Guarded by the lock under test (or ordered by a join), never by itself.
    package var value: Value
    package init(_ value: Value) { self.value = value }
}
