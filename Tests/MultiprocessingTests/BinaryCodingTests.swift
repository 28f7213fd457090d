import Testing
import ThreadingTestSupport

@testable import Multiprocessing
@testable import ProbeTasks

private struct Inner: Codable, Equatable {
    var name: String
    var values: [Double]
    var flag: Bool?
}

private enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case square(side: Int)
    case none
}

private struct Everything: Codable, Equatable {
    var int: Int
    var int8: Int8
    var uint64: UInt64
    var float: Float
    var string: String
    var empty: String
    var optionalSome: Int?
    var optionalNone: Int?
    var inner: Inner
    var list: [Inner]
    var nested: [[Int]]
    var dictionary: [String: Int]
    var shapes: [Shape]
    var unicode: String
}

/// The binary encoding round-trips what Codable can express, and rejects garbage with an
/// error rather than a crash.
@Suite(.hangGuard)
struct BinaryCodingTests {
    private let sample = Everything(
        int: -42, int8: -8, uint64: .max, float: 1.5, string: "hello", empty: "", optionalSome: 7,
        optionalNone: nil, inner: Inner(name: "in", values: [1, 2.5], flag: true),
        list: [Inner(name: "a", values: [], flag: nil), Inner(name: "b", values: [3], flag: false)],
        nested: [[1, 2], [], [3]], dictionary: ["one": 1, "two": 2],
        shapes: [.circle(radius: 2), .square(side: 3), .none], unicode: "한국어 🧵")

    @Test func roundTripsEverything() throws {
        let bytes = try BinaryEncoder.encode(sample)
        #expect(try BinaryDecoder.decode(Everything.self, from: bytes) == sample)
    }

    @Test func roundTripsPrimitivesAtTopLevel() throws {
        #expect(try BinaryDecoder.decode(Int.self, from: BinaryEncoder.encode(5)) == 5)
        #expect(try BinaryDecoder.decode(String.self, from: BinaryEncoder.encode("s")) == "s")
        #expect(try BinaryDecoder.decode([Int].self, from: BinaryEncoder.encode([1, 2, 3])) == [1, 2, 3])
        #expect(try BinaryDecoder.decode(Int?.self, from: BinaryEncoder.encode(Int?.none)) == nil)
        #expect(try BinaryDecoder.decode(Bool.self, from: BinaryEncoder.encode(true)))
    }

    @Test func aMissingKeyThrows() throws {
        struct Small: Codable { var name: String }
        let bytes = try BinaryEncoder.encode(Small(name: "x"))
        #expect(throws: DecodingError.self) { _ = try BinaryDecoder.decode(Inner.self, from: bytes) }
    }

    @Test func anIntegerThatDoesNotFitThrows() throws {
        let bytes = try BinaryEncoder.encode(300)
        #expect(throws: DecodingError.self) { _ = try BinaryDecoder.decode(UInt8.self, from: bytes) }
    }

    @Test func everyTruncationThrows() throws {
        let bytes = try BinaryEncoder.encode(sample)
        for length in 0..<bytes.count {
            #expect(throws: DecodingError.self) {
                _ = try BinaryDecoder.decode(Everything.self, from: Array(bytes[..<length]))
            }
        }
    }

    @Test func garbageThrowsAndNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let count = Int.random(in: 0..<64, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...12, using: &generator) }
            _ = try? BinaryDecoder.decode(Everything.self, from: bytes)
            _ = try? BinaryDecoder.decode([Int].self, from: bytes)
        }
        // Deep nesting is refused, not a stack overflow.
        let deep = [UInt8](repeating: BinaryTag.unkeyed.rawValue, count: 1) + [1, 0, 0, 0]
        let bytes = Array([[UInt8]](repeating: deep, count: 10_000).joined())
        #expect(throws: DecodingError.self) { _ = try BinaryDecoder.decode([Int].self, from: bytes) }
    }

    @Test func framesSplitAnywhereAreReassembled() throws {
        var stream: [UInt8] = []
        for id in 1...3 {
            let start = Wire.startFrame(&stream, kind: Wire.resultKind, id: UInt64(id))
            stream.append(contentsOf: [0, 1, 2, 3])
            try Wire.finishFrame(&stream, start: start)
        }
        for split in 0...stream.count {
            var parser = FrameParser()
            var ids: [UInt64] = []
            stream[..<split].withUnsafeBytes { parser.append($0) }
            while let frame = try parser.next(expecting: Wire.resultKind) { ids.append(frame.id) }
            stream[split...].withUnsafeBytes { parser.append($0) }
            while let frame = try parser.next(expecting: Wire.resultKind) { ids.append(frame.id) }
            #expect(ids == [1, 2, 3])
            #expect(!parser.hasPartialFrame)
        }
    }

    @Test func aBadLengthOrKindIsAProtocolError() {
        var parser = FrameParser()
        Array("garbage!".utf8).withUnsafeBytes { parser.append($0) }
        #expect(throws: Wire.ProtocolError.self) { _ = try parser.next(expecting: Wire.resultKind) }
        var other = FrameParser()
        [UInt8]([9, 0, 0, 0, 0x42]).withUnsafeBytes { other.append($0) }
        #expect(throws: Wire.ProtocolError.self) { _ = try other.next(expecting: Wire.resultKind) }
    }
}
