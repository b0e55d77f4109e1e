import Foundation
import PactaStore
import PactaTestSupport
import Testing

/// The PostgreSQL and SQLite migrations describe one schema: a column, index or NOT NULL added to
/// one dialect's files and forgotten in the other's fails here.
@Suite struct SchemaMatchTests {
    /// One column as both catalogs describe it, the type in SQLite's terms.
    struct Column: Hashable, CustomStringConvertible {
        var table: String
        var name: String
        var type: String
        var nullable: Bool
        var description: String { "\(self.table).\(self.name) \(self.type)\(self.nullable ? "" : " NOT NULL")" }
    }

    /// The SQLite type each PostgreSQL type is stored as (instants are Unix seconds, booleans 0/1).
    static let sqliteType = [
        "bigint": "INTEGER", "integer": "INTEGER", "boolean": "INTEGER", "timestamp with time zone": "INTEGER",
        "text": "TEXT", "double precision": "REAL",
    ]

    @Test(.enabled(if: TestDatabase.available.contains(.postgres)))
    func postgresAndSQLiteMigrationsMakeTheSameSchema() async throws {
        let (postgresColumns, postgresIndexes) = try await TestDatabase.postgres.withStore { store in
            let columns = try await store.database.query(
                """
                SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
                WHERE table_schema = 'public'
                """
            ).map { row in
                let (table, name, type, nullable) = try row.decode((String, String, String, String).self)
                return Column(table: table, name: name, type: Self.sqliteType[type] ?? "unmapped \(type)", nullable: nullable == "YES")
            }
            // Indexes PostgreSQL makes for primary keys and UNIQUE constraints are named after
            // them; SQLite names its own automatically. Only indexes created by name are compared.
            let indexes = try await store.database.query(
                """
                SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'
                AND indexname NOT IN (SELECT conname FROM pg_constraint)
                """
            ).map { try $0.decode((String, String).self) }.map { "\($0.0).\($0.1)" }
            return (Set(columns), Set(indexes))
        }
        let (sqliteColumns, sqliteIndexes) = try await TestDatabase.sqlite.withStore { store in
            let tables = try await store.database.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).map { try $0.decode(0, as: String.self) }
            var columns: [Column] = []
            for table in tables {
                for row in try await store.database.query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(\(table))") {
                    let (name, declared, notNull, primaryKey) = try row.decode((String, String, Int, Int).self)
                    // BIGINT has INTEGER affinity; an INTEGER PRIMARY KEY is the rowid, never NULL
                    // though not declared so.
                    let type = declared.uppercased() == "BIGINT" ? "INTEGER" : declared.uppercased()
                    columns.append(Column(table: table, name: name, type: type, nullable: notNull == 0 && primaryKey == 0))
                }
            }
            let indexes = try await store.database.query(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'"
            ).map { try $0.decode((String, String).self) }.map { "\($0.0).\($0.1)" }
            return (Set(columns), Set(indexes))
        }
        #expect(postgresColumns.count > 50)
        #expect(postgresColumns.subtracting(sqliteColumns).sorted(by: { $0.description < $1.description }) == [])
        #expect(sqliteColumns.subtracting(postgresColumns).sorted(by: { $0.description < $1.description }) == [])
        #expect(postgresIndexes.count > 3)
        #expect(postgresIndexes.subtracting(sqliteIndexes).sorted() == [])
        #expect(sqliteIndexes.subtracting(postgresIndexes).sorted() == [])
    }
}
