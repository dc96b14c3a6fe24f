# The local stand-in for the EKS cluster of workflows/deploy-testnet/terraform:
# the same variables and outputs, with only terraform's built-in
# terraform_data resources, so that init/plan/apply run offline. The cluster
# itself (kube-apiserver + etcd) is started by run.sh.
terraform {
  required_version = ">= 1.5"
}

variable "name" {
  type        = string
  description = "Name for the cluster and its resources"
}

variable "account" {
  type        = string
  description = "The account the cluster belongs to"
}

variable "region" {
  type    = string
  default = "local"
}

resource "terraform_data" "cluster" {
  input = { name = var.name, account = var.account, region = var.region, version = "1.20" }
}

resource "terraform_data" "node_group" {
  input            = { cluster = terraform_data.cluster.output.name, min_size = 2, max_size = 4, desired_size = 2 }
  triggers_replace = [terraform_data.cluster.id]
}

output "cluster_name" {
  value = terraform_data.cluster.output.name
}

output "cluster_id" {
  value = terraform_data.cluster.id
}

output "region" {
  value = var.region
}
