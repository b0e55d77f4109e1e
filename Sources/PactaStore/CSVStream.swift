import NIOCore
import PactaCore

/// Reads CSV arriving in chunks: the header first (its problems end the import), then the
/// records parsed from each chunk, handed over together so that memory stays flat.
enum CSVStream {
    static func read<Chunks: AsyncSequence & Sendable>(
        _ chunks: Chunks,
        required: [String],
        header onHeader: (CSVHeader) async throws -> Void,
        records onRecords: (CSVHeader, ArraySlice<CSVRecord>) async throws -> Void
    ) async throws where Chunks.Element == ByteBuffer {
        var parser = CSVParser()
        var header: CSVHeader?
        var records: [CSVRecord] = []
        func take(_ record: CSVRecord) {
            records.append(record)
        }
        func deliver() async throws {
            var rest = records[...]
            if header == nil, let first = rest.popFirst() {
                if let problem = first.problem {
                    throw ImportAborted(problems: [ImportProblem(line: first.line, column: "", code: first.problemCode, message: problem)])
                }
                do {
                    header = try CSVHeader(first, required: required)
                } catch {
                    throw ImportAborted(problems: error.problems)
                }
                try await onHeader(header!)
            }
            if let header, !rest.isEmpty { try await onRecords(header, rest) }
            records.removeAll(keepingCapacity: true)
        }
        for try await chunk in chunks {
            parser.consume(chunk.readableBytesView, take)
            try await deliver()
        }
        parser.finish(take)
        try await deliver()
        if header == nil {
            throw ImportAborted(problems: [
                ImportProblem(line: 1, column: "", code: "missing_column", message: "The file is empty: it needs a header row.")
            ])
        }
    }
}
