"""The catalogue of services and products, the public storefront and its quote and order requests."""
