module github.com/waybill-go/waybill

go 1.25.0

require (
	github.com/go-resty/resty/v2 v2.17.2
	golang.org/x/sync v0.22.0
)

require golang.org/x/net v0.43.0 // indirect
