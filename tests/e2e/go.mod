module plinth/e2e

go 1.26
