/// The byte that starts each value in the binary form, saying what follows (`BinaryEncoder`).
enum BinaryTag: UInt8 {
    case null = 0
    case `false` = 1
    case `true` = 2
    case int = 3
    case uint = 4
    case double = 5
    case float = 6
    case string = 7
    case keyed = 8
    case unkeyed = 9
}
