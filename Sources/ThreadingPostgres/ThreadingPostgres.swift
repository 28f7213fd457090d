// `import ThreadingPostgres` is enough for code that submits tasks: the task protocol,
// the futures and the errors come with it.
@_exported import Multiprocessing
@_exported import Threading
