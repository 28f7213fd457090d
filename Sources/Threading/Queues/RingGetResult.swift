/// What an attempt to get from the ring found.
@usableFromInline
enum RingGetResult<Element> {
    case item(Element)
    case empty
    case shutDown
}
