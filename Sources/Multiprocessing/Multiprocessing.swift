@_exported import Threading
