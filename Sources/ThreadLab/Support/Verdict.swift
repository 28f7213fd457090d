/// The last line of a scenario: what it showed and the figure behind it.
package struct Verdict: Sendable, Equatable, CustomStringConvertible {
    /// Whether the measured behaviour is what the tutorial says it should be.
    package enum Outcome: Sendable, Equatable {
        /// The behaviour matched.
        case expected
        /// It did not: the tour exits with status 1.
        case unexpected
        /// The scenario needs a part of the package that is not built yet.
        case unavailable(requires: String)
        /// The scenario needs a program this machine lacks; the summary says how to get it.
        case skipped
    }

    /// The scenario's name (`race`, `gil`, …).
    package var name: String
    /// What was shown, with the measured figures.
    package var summary: String
    package var outcome: Outcome

    package init(name: String, summary: String, outcome: Outcome) {
        self.name = name
        self.summary = summary
        self.outcome = outcome
    }

    /// A verdict whose outcome is `expected` when `matched` holds.
    package init(name: String, summary: String, matched: Bool) {
        self.init(name: name, summary: summary, outcome: matched ? .expected : .unexpected)
    }

    /// `false` only for `unexpected`: a scenario that cannot run (yet, or here) does not
    /// fail the tour.
    package var isAcceptable: Bool { outcome != .unexpected }

    /// `verdict NAME: SUMMARY`, with a mark when the behaviour was not the expected one.
    package var description: String {
        switch outcome {
        case .expected: "verdict \(name): \(summary)"
        case .unexpected: "verdict \(name): UNEXPECTED — \(summary)"
        case .unavailable(let requires): "verdict \(name): requires \(requires) (not built yet) — \(summary)"
        case .skipped: "verdict \(name): skipped — \(summary)"
        }
    }
}
